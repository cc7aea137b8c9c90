// React's scheduler (a dependency of react-reconciler, which Ink renders with):
// the key router queues its next key behind the render React has pending.
declare module 'scheduler' {
  const scheduler: {
    unstable_scheduleCallback(priority: number, callback: () => void): unknown;
    unstable_LowPriority: number;
  };
  export default scheduler;
}
