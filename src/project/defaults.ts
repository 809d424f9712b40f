/**
 * Defaults of a tsorm project, written once. A module of its own (it imports only the emulator's defaults) so
 * that `tsorm emulator` can read them without loading the config machinery.
 */

/** The emulator's on-disk data directory, relative to the project root: the emulator defines it, see there. */
export { DEFAULT_DATA_DIR } from '../emulator/defaults';
