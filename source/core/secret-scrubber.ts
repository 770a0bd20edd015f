/**
 * The last line of defence against a secret on an output path. Secrets are kept out of output at
 * the source (settings describe themselves without them, URLs lose their user part when parsed);
 * this catches what slips through anyway, e.g. a server error that echoes a credential.
 *
 * It works on values, before serialization: a JSON document is scrubbed string by string and only
 * then stringified, so escaping (`"` → `\"`) cannot hide a secret from it, and it never touches
 * the JSON syntax or the keys (our schema, never a secret). Within a string, a secret of
 * `anywhereLength` characters or more is replaced wherever it occurs; a shorter one only where it
 * stands as a whole token, so `--password sys` hides "sys" in "user:sys@h" but leaves the word
 * "system" whole. The price: a short password that is also a word ("test") is masked where that
 * word stands alone; output without the secret's characters is never altered.
 */

/** From this length on, a match inside a word is a leak far more likely than a coincidence. */
export const anywhereLength = 8;
const mask = '***';

const wordChar = /[\p{L}\p{N}_]/u;

/** The forms a secret takes on output paths: as given, escaped in JSON, percent-encoded in a URL. */
function formsOf(secret: string): string[] {
	const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
	try {
		const url = new URL('nats://host');
		url.password = secret;
		forms.add(url.password);
	} catch {}

	return [...forms];
}

export class SecretScrubber {
	/** Longest first, so a secret that contains another is replaced whole. */
	#forms: string[] = [];

	add(...secrets: Array<string | undefined>): void {
		const forms = new Set(this.#forms);
		for (const secret of secrets) {
			if (!secret) continue;
			for (const form of formsOf(secret)) forms.add(form);
		}

		this.#forms = [...forms].sort((a, b) => b.length - a.length);
	}

	get size(): number {
		return this.#forms.length;
	}

	/** A string with every secret masked (whole tokens only for short ones). */
	text(text: string): string {
		let clean = text;
		for (const form of this.#forms) {
			if (!clean.includes(form)) continue;
			clean = form.length >= anywhereLength ? clean.split(form).join(mask) : maskTokens(clean, form);
		}

		return clean;
	}

	/** A copy of a JSON-able value with every string scrubbed; what JSON.stringify would write, nothing else. */
	value<T>(value: T): T {
		if (this.#forms.length === 0) return value;
		return JSON.parse(this.json(value)) as T;
	}

	/** JSON.stringify of the value, scrubbed string by string before serialization. */
	json(value: unknown, space?: number): string {
		return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? this.text(item) : item), space);
	}
}

/** Masks `form` where it is not glued to letters or digits on a side where it begins or ends with one. */
function maskTokens(text: string, form: string): string {
	const wordStart = wordChar.test(form.at(0)!);
	const wordEnd = wordChar.test(form.at(-1)!);
	let out = '';
	let from = 0;
	for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
		if (at < from) continue;
		const before = text[at - 1];
		const after = text[at + form.length];
		const whole =
			!(wordStart && before !== undefined && wordChar.test(before)) &&
			!(wordEnd && after !== undefined && wordChar.test(after));
		if (!whole) continue;
		out += text.slice(from, at) + mask;
		from = at + form.length;
	}

	return out + text.slice(from);
}
