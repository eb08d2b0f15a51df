// Runs the suites in the order `npm run mutate` names them (CLUSRESTORE_MUTATE_ORDER), so the
// test reported as the catch does not depend on jest's timing cache.
const Sequencer = require('@jest/test-sequencer').default;

class NamedOrderSequencer extends Sequencer {
  sort(tests) {
    const order = (process.env.CLUSRESTORE_MUTATE_ORDER ?? '').split(',');
    const rank = (t) => order.findIndex((suffix) => suffix && t.path.endsWith(suffix));
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = NamedOrderSequencer;
