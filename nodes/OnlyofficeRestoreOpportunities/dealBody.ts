import type { IDataObject } from 'n8n-workflow';

import { dateMs, nested } from '../common/output/opportunityRecord';
import type { ArchivedRecord } from './archivedRecords';
import type { PortalLists } from './portalLists';

/** A part of a record that could not be put back as it was, and why (the output's `notRestored`). */
export interface NotRestored {
	part: string;
	id?: number | string;
	reason: string;
}

/** ONLYOFFICE's stage types (DealMilestoneStatus). */
const STAGE_TYPES: Record<number, string> = { 0: 'open', 1: 'won', 2: 'lost' };

/** ONLYOFFICE's field type of a Heading, which holds no value. */
const HEADING = 4;

/**
 * The `POST opportunity` body that recreates a record's deal as closely as the portal allows now, and what
 * had to change: a user, stage, currency or field that is gone is replaced or left out, and said so.
 */
export function dealBody(
	record: ArchivedRecord,
	lists: PortalLists,
): { body: IDataObject; notRestored: NotRestored[] } {
	const { deal } = record;
	const notRestored: NotRestored[] = [];
	const selfId = String(lists.self.id);
	const responsible = nested(deal.responsible);
	let responsibleId = String(responsible.id);
	if (!lists.users.has(responsibleId)) {
		notRestored.push({
			part: 'responsible',
			id: responsibleId,
			reason: `${String(responsible.displayName ?? 'The responsible user')} is no longer an active user of the portal; the restoring user (${String(lists.self.displayName)}) is responsible instead`,
		});
		responsibleId = selfId;
	}
	const body: IDataObject = {
		title: deal.title,
		description: deal.description ?? '',
		responsibleid: responsibleId,
		stageid: stageFor(nested(deal.stage), lists, notRestored),
		bidCurrencyAbbr: currencyFor(nested(deal.bidCurrency), lists, notRestored),
		bidType: deal.bidType ?? 0,
		bidValue: deal.bidValue ?? 0,
		perPeriodValue: deal.perPeriodValue ?? 0,
		successProbability: deal.successProbability ?? 0,
		members: membersOf(deal),
		customFieldList: valuesFor(deal, lists, notRestored),
		isNotify: false,
	};
	for (const key of ['actualCloseDate', 'expectedCloseDate'])
		if (dateMs(deal[key]) !== undefined) body[key] = deal[key];
	const contactId = nested(deal.contact).id;
	if (contactId !== undefined) body.contactid = contactId;
	if (deal.isPrivate === true) {
		body.isPrivate = true;
		body.accessList = accessFor(deal, lists, notRestored);
	}
	return { body, notRestored };
}

/** The record's stage, or the first of the same type (Open, Won, Lost) when it is gone. */
function stageFor(stage: IDataObject, lists: PortalLists, notRestored: NotRestored[]): number {
	if (lists.stages.some((s) => s.id === stage.id)) return Number(stage.id);
	const type = Number(stage.stageType ?? 0);
	const sameType = lists.stages.find((s) => Number(s.stageType ?? 0) === type);
	const instead = sameType ?? lists.stages[0];
	notRestored.push({
		part: 'stage',
		id: Number(stage.id),
		reason: sameType
			? `The stage "${String(stage.title)}" no longer exists; the deal is in "${String(instead?.title)}" instead`
			: `The stage "${String(stage.title)}" no longer exists, nor does any other ${STAGE_TYPES[type] ?? ''} stage; the deal is in "${String(instead?.title)}" (${STAGE_TYPES[Number(instead?.stageType ?? 0)] ?? ''}) instead: move it to the right stage in ONLYOFFICE`,
	});
	return Number(instead?.id);
}

function currencyFor(
	currency: IDataObject,
	lists: PortalLists,
	notRestored: NotRestored[],
): string {
	const abbreviation = String(currency.abbreviation).toUpperCase();
	if (lists.currencies.has(abbreviation)) return abbreviation;
	const basic = lists.currencies.values().next().value ?? 'USD';
	notRestored.push({
		part: 'bidCurrency',
		id: abbreviation,
		reason: `The portal no longer knows the currency ${abbreviation}; the bid is in ${basic} instead`,
	});
	return basic;
}

function membersOf(deal: IDataObject): number[] {
	const members = Array.isArray(deal.members) ? (deal.members as IDataObject[]) : [];
	return members.map((member) => Number(nested(member).id)).filter(Number.isInteger);
}

function valuesFor(
	deal: IDataObject,
	lists: PortalLists,
	notRestored: NotRestored[],
): Array<{ key: number; value: string }> {
	const values = Array.isArray(deal.customFields) ? (deal.customFields as IDataObject[]) : [];
	const kept: Array<{ key: number; value: string }> = [];
	for (const value of values) {
		if (value.fieldType === HEADING || value.fieldValue === '' || value.fieldValue === undefined)
			continue;
		const id = Number(value.id);
		if (!lists.fields.has(id)) {
			notRestored.push({
				part: 'customField',
				id,
				reason: `The field "${String(value.label)}" no longer exists; its value was ${JSON.stringify(value.fieldValue)}`,
			});
			continue;
		}
		kept.push({ key: id, value: String(value.fieldValue) });
	}
	return kept;
}

/** The access list's users who are still active; ONLYOFFICE adds the restoring user itself. */
function accessFor(deal: IDataObject, lists: PortalLists, notRestored: NotRestored[]): string[] {
	const users = (Array.isArray(deal.accessList) ? (deal.accessList as IDataObject[]) : []).map(
		(user) => nested(user),
	);
	for (const user of users) {
		if (!lists.users.has(String(user.id)))
			notRestored.push({
				part: 'accessList',
				id: String(user.id),
				reason: `${String(user.displayName ?? 'A user')} is no longer an active user of the portal`,
			});
	}
	if (!users.some((user) => String(user.id) === String(lists.self.id)))
		notRestored.push({
			part: 'accessList',
			id: String(lists.self.id),
			reason: `ONLYOFFICE adds the restoring user (${String(lists.self.displayName)}) to a private deal's access list`,
		});
	const kept = users.map((user) => String(user.id)).filter((id) => lists.users.has(id));
	// An empty list would make the deal public: the restoring user, whom ONLYOFFICE adds anyway, keeps it private.
	return kept.length > 0 ? kept : [String(lists.self.id)];
}
