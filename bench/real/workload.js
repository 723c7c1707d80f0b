// The QuickJS workload of the real-program bench (bench/realprogs.py): a
// mix of what scripts do (objects and classes, closures, strings, arrays
// and sorting, Map/Set, JSON, regular expressions, floating point), sized
// by N, the constant the runner puts in front of this file.  Every part
// prints a result line, so a wrong step shows in the output.
"use strict";

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8;
}

class Vec {
  constructor(x, y) { this.x = x; this.y = y; }
  add(o) { return new Vec(this.x + o.x, this.y + o.y); }
  scale(k) { return new Vec(this.x * k, this.y * k); }
  get norm() { return Math.sqrt(this.x * this.x + this.y * this.y); }
}

class Body {
  constructor(id, rnd) {
    this.id = id;
    this.pos = new Vec(rnd() % 1000, rnd() % 1000);
    this.vel = new Vec((rnd() % 21) - 10, (rnd() % 21) - 10);
  }
  step(dt) {
    this.pos = this.pos.add(this.vel.scale(dt));
    if (this.pos.x < 0 || this.pos.x > 1000) this.vel = new Vec(-this.vel.x, this.vel.y);
    if (this.pos.y < 0 || this.pos.y > 1000) this.vel = new Vec(this.vel.x, -this.vel.y);
  }
}

function simulate(n) {
  const rnd = lcg(42);
  const bodies = [];
  for (let i = 0; i < 200; i++) bodies.push(new Body(i, rnd));
  for (let t = 0; t < n / 20; t++) for (const b of bodies) b.step(0.5);
  let sum = 0;
  for (const b of bodies) sum += b.pos.norm;
  return sum.toFixed(3);
}

function words(n) {
  const rnd = lcg(7);
  const syll = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu"];
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = "";
    const len = 1 + (rnd() % 4);
    for (let j = 0; j < len; j++) w += syll[rnd() % syll.length];
    out.push(w);
  }
  return out;
}

function textStats(ws) {
  const freq = new Map();
  for (const w of ws) freq.set(w, (freq.get(w) || 0) + 1);
  const top = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const text = ws.join(" ");
  const re = /\b[km]\w*u\b/g;
  let matches = 0;
  while (re.exec(text) !== null) matches++;
  const upper = text.replace(/[aeiou]+/g, (m) => m.toUpperCase()).length;
  return `${freq.size} distinct, top ${top.slice(0, 3).map(([w, c]) => w + "=" + c).join(",")},`
       + ` ${matches} matches, ${upper} chars`;
}

function jsonRoundTrip(n) {
  const rnd = lcg(99);
  const records = [];
  for (let i = 0; i < n; i++) {
    records.push({ id: i, name: "item" + (rnd() % 1000), tags: [rnd() % 5, rnd() % 7],
                   price: (rnd() % 100000) / 100, ok: (rnd() & 1) === 1 });
  }
  const text = JSON.stringify(records);
  const back = JSON.parse(text);
  let total = 0, ok = 0;
  for (const r of back) { total += r.price * r.tags[0]; if (r.ok) ok++; }
  return `${text.length} bytes, total ${total.toFixed(2)}, ok ${ok}`;
}

function sieveAndSort(n) {
  const flags = new Uint8Array(n + 1);
  const primes = [];
  for (let i = 2; i <= n; i++) {
    if (!flags[i]) { primes.push(i); for (let j = i * i; j <= n; j += i) flags[j] = 1; }
  }
  const keyed = primes.map((p) => ({ p, k: (p * 2654435761) % 1000003 }));
  keyed.sort((a, b) => a.k - b.k || a.p - b.p);
  let h = 0;
  for (const { p } of keyed) h = (Math.imul(h, 31) + p) | 0;
  return `${primes.length} primes, hash ${h >>> 0}`;
}

function closuresAndSets(n) {
  const adders = [];
  for (let i = 0; i < 64; i++) adders.push((x) => (x * 33 + i) % 1000003);
  const seen = new Set();
  let x = 1;
  for (let i = 0; i < n; i++) { x = adders[i & 63](x); seen.add(x % 50021); }
  return `${seen.size} seen, last ${x}`;
}

function fib(k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }

print("bodies", simulate(N));
print("words", textStats(words(N)));
print("json", jsonRoundTrip(N / 4));
print("primes", sieveAndSort(N * 10));
print("closures", closuresAndSets(N * 5));
print("fib", fib(20 + Math.floor(Math.log2(N / 1000))));
