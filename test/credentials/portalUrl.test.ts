import { normalizePortalUrl, sessionOwner } from '../../credentials/portalUrl';

describe('normalizePortalUrl', () => {
	it.each([
		['https://portal.example.com', 'https://portal.example.com'],
		['  https://portal.example.com/  ', 'https://portal.example.com'],
		['https://portal.example.com///', 'https://portal.example.com'],
		['https://portal.example.com/api/2.0', 'https://portal.example.com'],
		['https://portal.example.com/API/2.0/', 'https://portal.example.com'],
		['http://127.0.0.1:8765', 'http://127.0.0.1:8765'],
		['https://example.com/onlyoffice/', 'https://example.com/onlyoffice'],
		['HTTPS://Portal.Example.com', 'https://portal.example.com'],
	])('turns %j into %j', (raw, expected) => {
		expect(normalizePortalUrl(raw)).toBe(expected);
	});

	it.each([
		['ftp://portal.example.com', /must start with https:\/\/ or http:\/\/, not ftp:/],
		['javascript:alert(1)', /must start with https:\/\/ or http:\/\//],
		['portal.example.com', /not a valid portal URL/],
		['', /is empty/],
		[undefined, /is empty/],
		['https://user:pw@portal.example.com', /must not contain a user name or password/],
	])('refuses %j with a message that says what to enter', (raw, message) => {
		expect(() => normalizePortalUrl(raw)).toThrow(message);
		expect(() => normalizePortalUrl(raw)).toThrow(/e\.g\. https:\/\/portal\.example\.com/);
	});
});

describe('sessionOwner', () => {
	it('ties a session to the portal and the e-mail, ignoring e-mail case and spaces', () => {
		expect(sessionOwner('https://a.example.com', ' Me@Example.com ')).toBe(
			sessionOwner('https://a.example.com', 'me@example.com'),
		);
		expect(sessionOwner('https://a.example.com', 'me@example.com')).not.toBe(
			sessionOwner('https://b.example.com', 'me@example.com'),
		);
		expect(sessionOwner('https://a.example.com', 'me@example.com')).not.toBe(
			sessionOwner('https://a.example.com', 'you@example.com'),
		);
	});
});
