// A graphql-inspector diff rule: a breaking change is accepted when the
// "Unreleased" section of CHANGELOG.md names its schema path in backticks
// (`Query.units`), so that whoever upgrades a client reads about it. Every
// other breaking change stays breaking and fails the diff.
//
// graphql-inspector has no notion of an announced change; this rule is its
// documented extension point (`--rule <file>`), kept to the one decision.
const fs = require('node:fs');
const path = require('node:path');

function unreleased(changelog) {
  const text = fs.readFileSync(changelog, 'utf8');
  const start = text.search(/^## Unreleased\b/m);
  if (start < 0) return '';
  const rest = text.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

module.exports = ({ changes }) => {
  const changelog = process.env.STAFETT_CHANGELOG || path.join(__dirname, '..', '..', 'CHANGELOG.md');
  const announced = unreleased(changelog);
  return changes.map((change) => {
    if (change.criticality.level !== 'BREAKING' || !change.path) return change;
    if (!announced.includes('`' + change.path + '`')) return change;
    return {
      ...change,
      criticality: { ...change.criticality, level: 'DANGEROUS', reason: `announced in CHANGELOG.md: ${change.path}` },
    };
  });
};
