// Writes a large synthetic plan: `groups` phases of `perGroup` tasks each,
// chained and cross-linked, on a pool of resources. Used to measure how fast
// the HTML report of a plan with thousands of tasks opens.
//   node bigplan.mjs 5000 > big.plan
export function bigPlan(tasks = 5000) {
  const perGroup = 50;
  const groups = Math.max(1, Math.ceil(tasks / (perGroup + 1)));
  const out = [];
  out.push('project "Synthetic programme" {\n  start 2027-01-04\n  now 2027-06-01\n  currency EUR\n  budget 9000000\n}\n');
  for (let r = 0; r < 40; r++) out.push(`resource r${r} "Engineer ${r}" { rate ${500 + r * 5}/d }\n`);
  let emitted = 0;
  for (let g = 0; g < groups && emitted < tasks - 1; g++) {
    out.push(`task g${g} "Workstream ${g}" {\n`);
    emitted++;
    if (g >= 4) out.push(`  after g${g - 4}.m\n`);
    let last = -1;
    for (let t = 0; t < perGroup - 1 && emitted < tasks - 1; t++) {
      const deps = t === 0 ? '' : `after t${t - 1}${t >= 5 && t % 5 === 0 ? `, t${t - 5}` : ''}  `;
      const res = `r${(g * 7 + t) % 40}`;
      const progress = g < 3 ? `  progress ${Math.min(100, t * 3)}%` : '';
      out.push(`  task t${t} "Task ${g}.${t} of the programme" { ${deps}effort ${1 + (t % 4)}d  assign ${res}${progress} }\n`);
      emitted++;
      last = t;
    }
    out.push(`  milestone m "Workstream ${g} done" {${last >= 0 ? ` after t${last}` : ''} }\n}\n`);
    emitted++;
  }
  return out.join('');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(bigPlan(Number(process.argv[2] || 5000)));
}
