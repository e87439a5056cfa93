/** What the colours and line styles of the graph mean. */
export function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      <li><span className="sw sw-ref" /> reference (holds)</li>
      <li><span className="sw sw-weak" /> attached to / contains</li>
      <li><span className="sw sw-rt" /> keeps the selection alive</li>
      <li><span className="sw sw-detached" /> detached link</li>
      <li><span className="sw sw-abandoned" /> abandoned legacy attachment</li>
      <li><span className="sw sw-ran" /> ran at this step</li>
      <li><span className="sw sw-freed" /> freed at this step</li>
    </ul>
  );
}
