// Reproducer for nodeca/js-yaml#525: the verbatim "!<?>" tag on a flow sequence
const yaml = require(process.cwd());

console.log('node', process.version);
console.log('js-yaml loaded from', process.cwd());

// sanity: a plain flow sequence loads fine
const plain = yaml.safeLoad('[0]');
if (!Array.isArray(plain) || plain[0] !== 0) {
  throw new Error('sanity check failed: ' + JSON.stringify(plain));
}

// sanity: the same tag on a scalar is resolved implicitly
console.log('scalar:', yaml.safeLoad('!<?> 0'));

// the bug: "!<?>" on a sequence (the issue used "!<?\u0000[0]")
const input = '!<?> [0]';
console.log('input:', JSON.stringify(input));
const result = yaml.safeLoad(input);
console.log('result:', result);
