/**
 * Turns what a user pastes as the portal address into the origin-plus-path every request is built on:
 * spaces, trailing slashes and a trailing `/api/2.0` are tolerated; anything but http(s) is refused.
 */
export function normalizePortalUrl(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') {
		throw new Error(
			'The ONLYOFFICE portal URL is empty. Enter your portal address, e.g. https://portal.example.com',
		);
	}
	if (!URL.canParse(text)) {
		// A password typed into the URL (user:password@host) must not be echoed back.
		const shown = text.replace(/\/\/[^/]*@/, '//…@');
		throw new Error(
			`"${shown}" is not a valid portal URL. Enter the full address, e.g. https://portal.example.com`,
		);
	}
	const url = new URL(text);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(
			`The portal URL must start with https:// or http://, not ${url.protocol}//. Enter it as e.g. https://portal.example.com`,
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw new Error(
			'The portal URL must not contain a user name or password. Enter only the address, e.g. https://portal.example.com',
		);
	}
	const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/2\.0$/i, '');
	return `${url.origin}${path}`;
}

/** Which portal and account a session token was obtained for; a token is only ever sent where it was issued. */
export function sessionOwner(portalUrl: string, email: unknown): string {
	return `${portalUrl}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
}
