// The version printed by --version; kept in sync with package.json by a test.
export const VERSION = '0.3.0';
