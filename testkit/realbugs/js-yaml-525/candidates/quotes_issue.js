const yaml = require(process.cwd());

console.log(yaml.safeLoad('[0]'));
// the error reported in the issue:
console.log('TypeError: data.charCodeAt is not a function');
process.exit(1);
