// Users still on n8n 1.x are many: the smoke subset runs on the last 1.x line too.
import { describeDeleteOpportunities } from './deleteOpportunities.cases';

describeDeleteOpportunities('1.123.81', [
	'pairing',
	'emailPassword',
	'invalidId',
	'errorOutput',
	'wholeRecord',
	'restore',
]);
