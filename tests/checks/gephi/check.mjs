// Opens network.gexf and network.graphml with graphology and its GEXF/GraphML parsers, the code
// Gephi Lite uses to open a file, and checks what a Gephi user relies on: every actor and link is
// there, located actors carry x/y positions laid out as on the map, attributes keep their types.
//   node check.mjs OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const graphml = require('graphology-graphml');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node check.mjs OUT_DIR');
  process.exit(2);
}
const failures = [];
const fail = (msg) => failures.push(msg);

function check(name, graph) {
  const nodes = graph.order;
  const edges = graph.size;
  let located = 0;
  const positions = [];
  graph.forEachNode((key, a) => {
    if (typeof a.name !== 'string' && typeof a.label !== 'string') fail(`${name}: node ${key} without name`);
    if (typeof a.degree !== 'number' || typeof a.betweenness !== 'number') fail(`${name}: node ${key} measures not numeric`);
    if (typeof a.is_cut_vertex !== 'boolean') fail(`${name}: node ${key} is_cut_vertex not boolean`);
    if (a.easting !== undefined) {
      located += 1;
      if (typeof a.x !== 'number' || typeof a.y !== 'number') fail(`${name}: located node ${key} without x/y position`);
      else positions.push(a);
    }
  });
  // Positions are the map in hectometres: differences of x/y are differences of easting/northing / 100.
  for (let i = 1; i < positions.length; i += Math.max(1, Math.floor(positions.length / 50))) {
    const p = positions[i], q = positions[0];
    const dx = (p.x - q.x) * 100 - (p.easting - q.easting);
    const dy = (p.y - q.y) * 100 - (p.northing - q.northing);
    if (Math.abs(dx) > 1e-3 || Math.abs(dy) > 1e-3) fail(`${name}: position of a node does not follow the map (${dx}, ${dy})`);
  }
  graph.forEachEdge((key, a) => {
    if (typeof a.weight !== 'number' || !(a.weight > 0)) fail(`${name}: edge ${key} weight ${a.weight}`);
  });
  console.log(`${name}: ${nodes} nodes (${located} positioned), ${edges} edges, ${graph.type}`);
  return { nodes, edges, type: graph.type };
}

const a = check('network.gexf', gexf.parse(Graph, fs.readFileSync(path.join(dir, 'network.gexf'), 'utf8')));
const b = check('network.graphml', graphml.parse(Graph, fs.readFileSync(path.join(dir, 'network.graphml'), 'utf8')));
if (a.nodes !== b.nodes || a.edges !== b.edges || (a.edges > 0 && a.type !== b.type)) fail(`GEXF and GraphML disagree: ${JSON.stringify([a, b])}`);
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
if (manifest.layers.actors !== a.nodes) fail(`${a.nodes} nodes but ${manifest.layers.actors} actors`);
if (manifest.layers.cooperation_links !== a.edges) fail(`${a.edges} edges but ${manifest.layers.cooperation_links} links`);
if (failures.length) {
  for (const f of failures.slice(0, 20)) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('OK: both files open in graphology (Gephi Lite) with every actor, link and position');
