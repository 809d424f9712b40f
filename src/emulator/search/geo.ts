/**
 * Geo points and distances as the service computes them (spec §4): points quantized like Lucene's
 * GeoEncodingUtils (32 bits per coordinate, encode = floor), haversine distances with Lucene's earth radius.
 * Those two choices reproduce the service's observed counts (668 / 500 / 90).
 */
export interface GeoPoint {
  lat: number;
  lon: number;
}

export const EARTH_RADIUS_M = 6_371_008.7714;
const LAT_SCALE = 2 ** 32 / 180;
const LON_SCALE = 2 ** 32 / 360;

/** "lat,lon" with optional spaces around the comma; undefined when malformed or out of range. */
export function parseGeoPoint(s: string): GeoPoint | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return undefined;
  return { lat, lon };
}

/** The point as the index stores it (Lucene LatLonPoint encode/decode). */
export function quantize(p: GeoPoint): GeoPoint {
  return { lat: Math.floor(p.lat * LAT_SCALE) / LAT_SCALE, lon: Math.floor(p.lon * LON_SCALE) / LON_SCALE };
}

/** Box lower bounds encode with ceil (a point on the bottom edge is outside, spec §4). */
export function inBox(p: GeoPoint, topLeft: GeoPoint, bottomRight: GeoPoint): boolean {
  const minLat = Math.ceil(bottomRight.lat * LAT_SCALE) / LAT_SCALE;
  const maxLat = Math.floor(topLeft.lat * LAT_SCALE) / LAT_SCALE;
  const minLon = Math.ceil(topLeft.lon * LON_SCALE) / LON_SCALE;
  const maxLon = Math.floor(bottomRight.lon * LON_SCALE) / LON_SCALE;
  if (p.lat < minLat || p.lat > maxLat) return false;
  // A box crossing the antimeridian has its left edge east of its right edge.
  return minLon <= maxLon ? p.lon >= minLon && p.lon <= maxLon : p.lon >= minLon || p.lon <= maxLon;
}

const RAD = Math.PI / 180;
export function haversine(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Planar approximation for GEO_DISTANCE_PLANE sorts (formula unspecified by the service) [inferred]. */
export function planeDistance(a: GeoPoint, b: GeoPoint): number {
  const x = (b.lon - a.lon) * RAD * Math.cos(((a.lat + b.lat) / 2) * RAD);
  const y = (b.lat - a.lat) * RAD;
  return Math.sqrt(x * x + y * y) * EARTH_RADIUS_M;
}

/** Even-odd ray test of the (quantized) point against the raw polygon (closed implicitly). */
export function inPolygon(p: GeoPoint, poly: GeoPoint[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i];
    const b = poly[j];
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon) inside = !inside;
  }
  return inside;
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
/** Geohash cell of a point at `precision` characters, with its box. */
export function geohash(p: GeoPoint, precision: number): { hash: string; topLeft: GeoPoint; bottomRight: GeoPoint } {
  let latLo = -90, latHi = 90, lonLo = -180, lonHi = 180;
  let hash = '';
  let bit = 0, ch = 0, even = true;
  while (hash.length < precision) {
    if (even) {
      const mid = (lonLo + lonHi) / 2;
      if (p.lon >= mid) { ch = (ch << 1) | 1; lonLo = mid; } else { ch <<= 1; lonHi = mid; }
    } else {
      const mid = (latLo + latHi) / 2;
      if (p.lat >= mid) { ch = (ch << 1) | 1; latLo = mid; } else { ch <<= 1; latHi = mid; }
    }
    even = !even;
    if (++bit === 5) { hash += BASE32[ch]; bit = 0; ch = 0; }
  }
  return { hash, topLeft: { lat: latHi, lon: lonLo }, bottomRight: { lat: latLo, lon: lonHi } };
}
