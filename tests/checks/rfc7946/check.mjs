#!/usr/bin/env node
// Independent RFC 7946 check of the GeoJSON files written by `territoire run`.
//
// usage: node check.mjs FILE...
//
// For each file:
//   1. @placemarkio/check-geojson 0.1.14 `check()` (structure and syntax; throws a
//      HintError whose `issues` are listed here);
//   2. no `crs` member anywhere (RFC 7946 appendix B.1 removed it);
//   3. every Polygon / MultiPolygon exterior ring is counter-clockwise and every
//      hole clockwise (signed shoelace area computed here, RFC 7946 section 3.1.6);
//      rings must be closed and have at least 4 positions;
//   4. every position looks like WGS 84 lon/lat: finite numbers, |lon| <= 180,
//      |lat| <= 90.
// Exit status: 0 when every file passes, 1 when any file fails, 2 on usage error.

import { readFileSync } from 'node:fs';
import { check } from '@placemarkio/check-geojson';

const MAX_REPORTED = 20; // problems printed per file (all are counted)

function signedArea(ring) {
  // Shoelace formula; > 0 means counter-clockwise with x = lon, y = lat.
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[i + 1];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

function checkPosition(pos, where, problems) {
  if (!Array.isArray(pos) || pos.length < 2) {
    problems.push(`${where}: position is not an array of >= 2 numbers`);
    return;
  }
  const [lon, lat] = pos;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
    problems.push(`${where}: non-finite coordinate ${JSON.stringify(pos)}`);
    return;
  }
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    problems.push(
      `${where}: ${JSON.stringify(pos)} is not lon/lat (|lon| <= 180, |lat| <= 90); ` +
        'projected coordinates or swapped axes?'
    );
  }
}

function checkPolygon(rings, where, problems) {
  rings.forEach((ring, i) => {
    const rw = `${where} ring ${i}`;
    if (!Array.isArray(ring) || ring.length < 4) {
      problems.push(`${rw}: fewer than 4 positions`);
      return;
    }
    ring.forEach((p, k) => checkPosition(p, `${rw} position ${k}`, problems));
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      problems.push(`${rw}: ring is not closed`);
    }
    const a = signedArea(ring);
    if (i === 0 && !(a > 0)) {
      problems.push(
        `${rw}: exterior ring is ${a < 0 ? 'clockwise' : 'degenerate (zero area)'}; ` +
          'RFC 7946 requires counter-clockwise'
      );
    } else if (i > 0 && !(a < 0)) {
      problems.push(
        `${rw}: hole is ${a > 0 ? 'counter-clockwise' : 'degenerate (zero area)'}; ` +
          'RFC 7946 requires clockwise'
      );
    }
  });
}

function checkGeometry(g, where, problems) {
  if (g === null) return; // null geometry is allowed (actors without a location)
  if (typeof g !== 'object') {
    problems.push(`${where}: geometry is not an object`);
    return;
  }
  if ('crs' in g) problems.push(`${where}: has a "crs" member`);
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      checkPosition(c, where, problems);
      break;
    case 'MultiPoint':
    case 'LineString':
      c.forEach((p, k) => checkPosition(p, `${where} position ${k}`, problems));
      break;
    case 'MultiLineString':
      c.forEach((l, j) =>
        l.forEach((p, k) => checkPosition(p, `${where} line ${j} position ${k}`, problems))
      );
      break;
    case 'Polygon':
      checkPolygon(c, where, problems);
      break;
    case 'MultiPolygon':
      c.forEach((poly, j) => checkPolygon(poly, `${where} polygon ${j}`, problems));
      break;
    case 'GeometryCollection':
      g.geometries.forEach((sub, j) =>
        checkGeometry(sub, `${where} member ${j}`, problems)
      );
      break;
    default:
      problems.push(`${where}: unknown geometry type ${JSON.stringify(g.type)}`);
  }
}

function checkObject(obj, problems) {
  if ('crs' in obj) problems.push('top-level object has a "crs" member (forbidden by RFC 7946)');
  if (obj.type === 'FeatureCollection') {
    obj.features.forEach((f, i) => {
      const id = f.id !== undefined ? ` (id ${JSON.stringify(f.id)})` : '';
      const where = `feature ${i}${id}`;
      if ('crs' in f) problems.push(`${where}: has a "crs" member`);
      checkGeometry(f.geometry, `${where} geometry`, problems);
    });
  } else if (obj.type === 'Feature') {
    checkGeometry(obj.geometry, 'feature geometry', problems);
  } else {
    checkGeometry(obj, 'geometry', problems);
  }
}

function checkFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return [`cannot read: ${e.message}`];
  }
  if (text.charCodeAt(0) === 0xfeff) {
    return ['file starts with a byte-order mark (RFC 8259 forbids it in JSON text sent over networks; check-geojson cannot parse it)'];
  }
  let obj;
  try {
    obj = check(text);
  } catch (e) {
    if (Array.isArray(e.issues)) {
      return e.issues.map((iss) => {
        const loc = iss.from !== undefined ? ` [chars ${iss.from}-${iss.to}]` : '';
        return `check-geojson: ${iss.message}${loc}`;
      });
    }
    return [`check-geojson: ${e.message}`];
  }
  const problems = [];
  checkObject(obj, problems);
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs FILE.geojson...');
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  const problems = checkFile(f);
  if (problems.length === 0) {
    console.log(`OK   ${f}`);
  } else {
    failed++;
    console.log(`FAIL ${f}: ${problems.length} problem(s)`);
    for (const p of problems.slice(0, MAX_REPORTED)) console.log(`     - ${p}`);
    if (problems.length > MAX_REPORTED) {
      console.log(`     ... and ${problems.length - MAX_REPORTED} more`);
    }
  }
}
console.log(`${files.length - failed}/${files.length} file(s) passed`);
process.exit(failed ? 1 : 0);
