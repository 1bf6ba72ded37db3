// Imported first by ./entry.ts, before @astrojs/node's entry, which starts its own server on
// import unless told not to. This server starts its own, around the adapter's handler.
/** Whether whoever ran the entry asked for no server at all (as they could with the adapter's own). */
export const AUTOSTART_WANTED = process.env.ASTRO_NODE_AUTOSTART !== 'disabled';
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
