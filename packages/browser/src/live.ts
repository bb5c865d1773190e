// @headcount/browser/live: the live count without the SDK: one shared connection per app (and path), and <headcount-live>.
export { defineHeadcountLive } from './live/headcountLiveElement';
export {
  activeUsersSnapshot,
  openActiveUsersConnections,
  subscribeActiveUsers,
  type ActiveUsersTarget,
} from './live/activeUsersRegistry';
export { ActiveUsersError, UNKNOWN_ACTIVE_USERS, type ActiveUsersState, type ActiveUsersStatus } from './live/activeUsersState';
