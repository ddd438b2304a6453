// A JavaScript reactor component: componentize-js over guests/components/wit
// (world flint:guests/guest). The exported interface `api` is the object
// `api` below (jco's conventions: kebab-case names in camelCase, variants as
// {tag, val}, enums as strings, an option's none as undefined, a result's
// err as a thrown value, a resource as a class).
class Counter {
  #value;
  constructor(start) {
    this.#value = BigInt(start);
  }
  add(n) {
    this.#value = BigInt.asIntN(64, this.#value + BigInt(n));
  }
  get() {
    return this.#value;
  }
}

export const api = {
  Counter,
  greet(name) {
    return `Hello, ${name}!`;
  },
  sum(values) {
    let total = 0n;
    for (const v of values) total = BigInt.asIntN(64, total + BigInt(v));
    return total;
  },
  reverseWords(words) {
    return [...words].reverse().map((w) => w.replace(/[a-z]/g, (c) => c.toUpperCase()));
  },
  translate(p, dx, dy) {
    return { x: p.x + dx, y: p.y + dy };
  },
  area(s) {
    switch (s.tag) {
      case 'circle':
        return 3n * BigInt(s.val) * BigInt(s.val);
      case 'rect': {
        const a = BigInt(s.val.x) * BigInt(s.val.y);
        return a < 0n ? -a : a;
      }
      default:
        return 0n;
    }
  },
  nextColor(c) {
    return { red: 'green', green: 'blue', blue: 'red' }[c];
  },
  parseInt(s) {
    if (!/^-?[0-9]+$/.test(s)) throw `not a number: ${s}`;
    return Number.parseInt(s, 10);
  },
  find(haystack, needle) {
    const i = haystack.indexOf(needle);
    return i < 0 ? undefined : i;
  },
};
