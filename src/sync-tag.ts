/** The Background Sync tag pages register when an intent goes pending, and `oncely/service-worker` answers. */
export const syncTag = 'oncely'
