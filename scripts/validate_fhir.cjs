// Independent check of FHIR R4 resources: every *.json file in the folders given is
// validated by the npm `fhir` package (FHIR.js, base R4 structure definitions and value
// sets) and, where a resource claims a US Core profile, against that profile's required
// elements (US Core 3.1.1; the profile packages are not on npm, so those rules are here).
// Usage: node scripts/validate_fhir.cjs FOLDER... ; exit status 1 when any error is found.
'use strict';
const fs = require('fs');
const path = require('path');
const { Fhir } = require(path.join(__dirname, '..', 'var', 'node', 'node_modules', 'fhir'));

const fhir = new Fhir();
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/';

function usCoreProblems(r) {
  const profiles = (r.meta && r.meta.profile) || [];
  const problems = [];
  const need = (ok, what) => { if (!ok) problems.push(what); };
  if (profiles.includes(US_CORE + 'us-core-patient')) {
    need((r.identifier || []).length > 0 && r.identifier.every((i) => i.system && i.value),
      'us-core-patient: identifier with system and value (1..*)');
    need((r.name || []).length > 0, 'us-core-patient: name (1..*)');
    need((r.name || []).every((n) => n.family || (n.given || []).length),
      'us-core-6: name.family or name.given');
    need(typeof r.gender === 'string', 'us-core-patient: gender (1..1)');
  }
  if (profiles.includes(US_CORE + 'us-core-allergyintolerance')) {
    const erroneous = ((r.verificationStatus || {}).coding || []).some((c) => c.code === 'entered-in-error');
    need(erroneous || !!r.clinicalStatus, 'us-core-allergyintolerance: clinicalStatus (unless entered-in-error)');
    need(!!r.code && (r.code.text || (r.code.coding || []).length), 'us-core-allergyintolerance: code (1..1)');
    need(!!(r.patient && r.patient.reference), 'us-core-allergyintolerance: patient (1..1)');
  }
  for (const p of profiles) {
    if (p.startsWith(US_CORE) && !['us-core-patient', 'us-core-allergyintolerance'].includes(p.slice(US_CORE.length))) {
      problems.push(`claims ${p}, which this check does not know`);
    }
  }
  return problems;
}

function validate(resource) {
  const result = fhir.validate(resource, {});
  const errors = result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);
  return errors.concat(usCoreProblems(resource));
}

function main(folders) {
  let files = 0;
  let failed = 0;
  const kinds = {};
  for (const folder of folders) {
    for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
      const resource = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8'));
      files += 1;
      kinds[resource.resourceType] = (kinds[resource.resourceType] || 0) + 1;
      const problems = validate(resource);
      if (problems.length) {
        failed += 1;
        console.log(`${name}:\n  ${problems.join('\n  ')}`);
      }
    }
  }
  const summary = Object.entries(kinds).sort().map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${files} resources checked (${summary}); ${failed} with errors`);
  return failed === 0 && files > 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
