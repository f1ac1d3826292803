const yaml = require(process.cwd());

const doc = yaml.safeLoad('name: demo\nitems: [0]\n');
console.log('loaded:', JSON.stringify(doc));
// read the tag settings of the document
const settings = doc.settings;
console.log('tag:', settings.tag);
