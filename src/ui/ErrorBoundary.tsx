/** Errors never blank the page: a message and a way back. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props { children: ReactNode; onReset: () => void }
interface State { error: Error | null }

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('playground error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>Something went wrong in the playground</h1>
        <pre>{this.state.error.message}</pre>
        <p>The kernel model is fine; the page could not draw this state.</p>
        <div className="row">
          <button type="button" className="primary" onClick={() => this.setState({ error: null })}>Try again</button>
          <button type="button" onClick={() => { this.props.onReset(); this.setState({ error: null }); }}>Back to the story</button>
        </div>
      </div>
    );
  }
}
