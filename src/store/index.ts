/** The playground store: kernel + history, the action registry and the stories. */
export * from './command';
export * from './history';
export * from './store';
export * from './actions';
export * from './sections';
export { LINK_PINNING, STORIES, type Story } from './story';
export { shareSnapshot } from './share';
