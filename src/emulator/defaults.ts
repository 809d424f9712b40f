/**
 * The emulator's defaults that the layers above it (src/project, the CLI) also name. They live here, not in
 * src/project, because the emulator must not import the project layer (docs/ARCHITECTURE.md: layers point down).
 */

/** The emulator's on-disk data directory, relative to the working directory (the project root for `tsorm emulator`). */
export const DEFAULT_DATA_DIR = '.tsorm/data';
