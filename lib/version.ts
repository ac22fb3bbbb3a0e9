/** The package version Berth builds into its agent bundle and infra image tag. */
export const PACKAGE_VERSION = "0.1.0";
