// One build for the monorepo: each package owns its rollup recipe; this file runs them in dependency order.
import schema from './packages/schema/rollup.config.mjs';
import browser from './packages/browser/rollup.config.mjs';
import react from './packages/react/rollup.config.mjs';
import collector from './packages/collector/rollup.config.mjs';
import spaExample from './examples/spa/rollup.config.mjs';
import dashboard from './packages/dashboard/rollup.config.mjs';

export default [...schema, ...browser, ...react, ...collector, ...spaExample, ...dashboard];
