// Entry of the bundled bin/eventgen-cli.js in the packaged app. bin/eventgen is the CLI, but
// splunkd may choose it (an extensionless executable named like the scheme) instead of
// bin/eventgen.sh for the `eventgen` modular input; so splunkd's calls (--scheme,
// --validate-arguments, or no argument with the input XML on stdin) go to the modular input.
'use strict';
const cli = require('../lib/cli/main');
const input = require('../lib/splunk/input');

exports.main = function main(argv) {
  if (input.isModularInputCall(argv, process.env, process.stdin.isTTY === true)) {
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 20) {
      process.stderr.write(`ERROR eventgen needs Node.js 20 or later; ${process.execPath} is ${process.version}. Use bin/eventgen.sh, which looks for one.\n`);
      return Promise.resolve(1);
    }
    return input.main(argv).then((code) => {
      input.exitAfterFlush(code);
      return code;
    });
  }
  return cli.main(argv);
};
