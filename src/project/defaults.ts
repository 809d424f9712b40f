/**
 * Defaults of a tsorm project, written once. A module of its own (no imports) so that `tsorm emulator` can
 * read them without loading the config machinery.
 */

/** The emulator's on-disk data directory, relative to the project root (`tsorm emulator`, the embedded default). */
export const DEFAULT_DATA_DIR = '.tsorm/data';
