const yaml = require(process.cwd());

const doc = yaml.safeLoad('list: [0, 1]\nname: !!str 42\n');
console.log(JSON.stringify(doc));
