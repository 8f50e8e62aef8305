import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The silo serves the built files from its own assembly, so the output must not reach the network at run time:
// no CDN, every asset is bundled under /assets with a content hash.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // A cap, not a measurement: antd renders slowly in jsdom on a busy 2-core machine.
    testTimeout: 30_000,
  },
});
