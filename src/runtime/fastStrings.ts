/**
 * V8 (seen in Node 20's V8 11.3) turns String.prototype into a dictionary-mode object as soon as
 * a class extends String, and ioredis 6 declares one when it loads (resp/verbatim-string.js,
 * `class VerbatimString extends String`). From then on every string method that optimized
 * code calls (charCodeAt, indexOf, slice, startsWith, trim, ...) is looked up by V8's generic
 * property load instead of an inlined one: in the pipeline the SSBTEK XML reader spent 44 % of
 * its time in that look-up, and the rest of the robot's string handling paid the same way.
 *
 * V8 makes a prototype fast again when loads with feedback go through it from an object, so a
 * few such loads through a String wrapper object restore it. Call once the modules that may
 * cause it are loaded: startRobot and buildWebServer do. Harmless where nothing caused it.
 */
export function restoreFastStringMethods(): void {
  const wrapper: unknown = Object('');
  // Enough calls for V8 to give the function its feedback (lazy feedback allocation).
  for (let i = 0; i < 32; i++) readCharCodeAt(wrapper as { charCodeAt: unknown });
}

function readCharCodeAt(o: { charCodeAt: unknown }): unknown {
  return o.charCodeAt;
}
