// Trap recovery for the npm package: the `ControlPlane` class users see wraps wasm-bindgen's.
//
// A call that traps (a panic or out-of-memory inside WebAssembly: a bug in kplane) leaves its
// WebAssembly instance unusable: the trapped object stays borrowed ("recursive use of an
// object detected") and memory may be half-written. So when a call traps, the wrapper:
//   1. reads every live control plane's last consistent state from the trapped instance (the
//      plane itself when no call was under way on it, else the checkpoint the binding keeps of
//      it before each change: `__recoverySnapshot`);
//   2. instantiates the module afresh from the same compiled module (wasm-bindgen's
//      `__wbg_reset_state`, generated with --experimental-reset-state-function), so memory,
//      allocator and objects start clean;
//   3. restores every control plane there (`__recoveryRestore`), re-creates its views (`as`,
//      `impersonate`) and points each wrapper at its new object: the same JS objects go on
//      working, with their objects, clock and kubectl workspace as they were;
//   4. throws a `KplaneError` 500 `InternalError` naming the call.
// A control plane whose state cannot be read from the trapped instance (e.g. it ran out of
// memory) is lost: its calls throw a `KplaneError` 500 saying so. Others are unaffected.

/** Installs the guard; returns the wrapped `ControlPlane` class. */
export function guard(glue, KplaneError) {
  const Raw = glue.ControlPlane;
  const reset = glue.__wbg_reset_state;
  glue.__kplaneInit(KplaneError);

  /** wrapper → { raw, plane, recreate, lost, ref } */
  const entries = new WeakMap();
  /** WeakRefs to every wrapper not yet freed or collected. */
  const live = new Set();
  const collected =
    typeof FinalizationRegistry === 'undefined'
      ? { register() {}, unregister() {} }
      : new FinalizationRegistry((ref) => live.delete(ref));
  const skip = new Set(['constructor', 'free', '__destroy_into_raw', '__planeId', '__trapForTest']);

  const status = (code, reason, message) =>
    new KplaneError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

  class ControlPlane {
    /** `new ControlPlane({ seed?, start? })`. */
    constructor(options) {
      const raw = call('new ControlPlane', () => new Raw(options));
      adopt(this, raw, null);
    }

    /** Frees the WebAssembly memory of this view now (instead of at garbage collection). */
    free() {
      const e = entries.get(this);
      if (!e) return;
      entries.delete(this);
      live.delete(e.ref);
      collected.unregister(this);
      if (e.raw) e.raw.free();
      e.raw = null;
    }

    /** Test only: traps the instance inside a call on this control plane. Never call it. */
    __trapForTest() {
      return invoke(this, '__trapForTest', []);
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    ControlPlane.prototype[Symbol.dispose] = ControlPlane.prototype.free;
  }

  /** `recreate(base)` makes this wrapper's raw view from its plane's restored base. */
  function adopt(wrapper, raw, recreate) {
    const ref = new WeakRef(wrapper);
    entries.set(wrapper, { raw, plane: raw.__planeId(), recreate, lost: null, ref });
    live.add(ref);
    collected.register(wrapper, ref, wrapper);
    return wrapper;
  }

  function wrap(raw, recreate) {
    return adopt(Object.create(ControlPlane.prototype), raw, recreate);
  }

  function entry(self, name) {
    const e = self !== null && typeof self === 'object' ? entries.get(self) : undefined;
    if (!e) {
      if (self instanceof ControlPlane) {
        throw status(400, 'BadRequest', `${name}: this ControlPlane was freed`);
      }
      throw status(400, 'BadRequest', `${name} must be called on a ControlPlane`);
    }
    if (e.lost) {
      throw status(500, 'InternalError', `Internal error occurred: this control plane was lost when an earlier call trapped: ${e.lost}`);
    }
    return e;
  }

  function invoke(self, name, args) {
    const e = entry(self, name);
    const out = call(name, () => e.raw[name](...args));
    if (out instanceof Raw) {
      // A view of the same plane (`as`, `impersonate`) or a new plane (`fork`, as the same user).
      const parent = e.recreate;
      if (name === 'fork') return wrap(out, parent);
      return wrap(out, (base) => (parent ? parent(base) : base)[name](...args));
    }
    return out;
  }

  for (const name of Object.getOwnPropertyNames(Raw.prototype)) {
    if (skip.has(name) || typeof Raw.prototype[name] !== 'function') continue;
    Object.defineProperty(ControlPlane.prototype, name, {
      value: function (...args) {
        return invoke(this, name, args);
      },
      writable: true,
      configurable: true,
    });
  }
  for (const name of Object.getOwnPropertyNames(Raw)) {
    if (['length', 'name', 'prototype', '__wrap', '__unwrap'].includes(name)) continue;
    if (name.startsWith('__recovery') || typeof Raw[name] !== 'function') continue;
    ControlPlane[name] = (...args) => {
      const out = call(`ControlPlane.${name}`, () => Raw[name](...args));
      return out instanceof Raw ? wrap(out, null) : out;
    };
  }

  function isTrap(err) {
    return (
      err instanceof WebAssembly.RuntimeError ||
      (err instanceof RangeError && /call stack/i.test(String(err.message)))
    );
  }

  function call(what, fn) {
    try {
      return fn();
    } catch (err) {
      if (!isTrap(err)) throw err;
      const lost = recover();
      const note = lost ? `; ${lost} control plane(s) could not be restored` : '';
      const e = status(
        500,
        'InternalError',
        `Internal error occurred: kplane trapped in ${what} (${err.message}); this is a bug in kplane. ` +
          `The WebAssembly instance was restarted and every control plane restored to its last consistent state${note}`,
      );
      e.cause = err;
      throw e;
    }
  }

  /** Steps 1-3 above; returns how many planes were lost. */
  function recover() {
    const all = [];
    for (const ref of live) {
      const w = ref.deref();
      const e = w && entries.get(w);
      if (!e || !e.raw) live.delete(ref);
      else if (!e.lost) all.push(e);
    }
    const states = new Map();
    for (const e of all) {
      if (states.has(e.plane)) continue;
      try {
        states.set(e.plane, Raw.__recoverySnapshot(e.plane));
      } catch (err) {
        states.set(e.plane, err);
      }
    }
    try {
      reset();
      glue.__kplaneInit(KplaneError);
    } catch (err) {
      for (const e of all) {
        e.raw = null;
        e.lost = `the WebAssembly module could not be instantiated again: ${err.message}`;
      }
      return all.length;
    }
    const bases = new Map();
    let lost = 0;
    for (const e of all) {
      try {
        const state = states.get(e.plane);
        if (!Array.isArray(state)) throw state;
        let base = bases.get(e.plane);
        if (!base) {
          base = Raw.__recoveryRestore(state[0], state[1]);
          bases.set(e.plane, base);
        }
        e.raw = e.recreate ? e.recreate(base) : base;
        e.plane = e.raw.__planeId();
      } catch (err) {
        e.raw = null;
        e.lost = String(err && err.message ? err.message : err);
        lost += 1;
      }
    }
    return lost;
  }

  return ControlPlane;
}
