import { defaultN8nVersion } from './harness';
import { describeDeleteOpportunities } from './deleteOpportunities.cases';

describeDeleteOpportunities(defaultN8nVersion(), [
	'pairing',
	'emailPassword',
	'https',
	'invalidId',
	'options',
	'errorOutput',
	'fiveThousand',
	'faults',
	'credentialTest',
]);
