/**
 * The server-to-client half of the NATS protocol, parsed incrementally from socket reads, for the
 * snapshot connection only. A message's payload is handed on in the pieces the reads cut it into,
 * as views of the read buffer: nothing is assembled, so a 1 MiB chunk costs no copy here (nats.js
 * gathers it in a doubling buffer: two copies and about 3.5 MiB of garbage per chunk).
 */

const lineFeed = 0x0a;
const carriageReturn = 0x0d;
/** INFO lists every route's client URL; a large cluster's can run to kilobytes. */
const maxControlLine = 1 << 20;
/** Status headers are a line; anything near this is not a snapshot message. */
const maxHeaderBytes = 1 << 16;

export type MessageStart = {
	subject: string;
	sid: number;
	reply: string | undefined;
	/** The header block of an HMSG, `NATS/1.0 …\r\n…\r\n\r\n`; a copy the receiver may keep. */
	headers: Uint8Array | undefined;
	/** Payload bytes, headers excluded. */
	size: number;
};

export type WireEvents = {
	info(json: string): void;
	ping(): void;
	pong(): void;
	/** A `-ERR` line, its text without the quotes. */
	error(text: string): void;
	messageStart(message: MessageStart): void;
	/** Part of the current message's payload; the view is only valid during the call. */
	payload(piece: Uint8Array): void;
	messageEnd(): void;
};

export class WireProtocolError extends Error {}

type State = 'line' | 'headers' | 'payload' | 'terminator';

export class WireParser {
	readonly #events: WireEvents;
	#state: State = 'line';
	/** A control line cut by a read, copied, since the read buffer is reused. */
	#partialLine: Buffer[] = [];
	#partialLineBytes = 0;
	#message: MessageStart | undefined;
	#headers: Buffer | undefined;
	#headersFilled = 0;
	#payloadLeft = 0;
	/** Of the `\r\n` after a payload. */
	#terminatorLeft = 0;

	constructor(events: WireEvents) {
		this.#events = events;
	}

	/** Parses one read; throws a WireProtocolError on bytes that are not the protocol. */
	push(data: Buffer): void {
		let at = 0;
		while (at < data.length) {
			switch (this.#state) {
				case 'line': {
					at = this.#readLine(data, at);
					break;
				}

				case 'headers': {
					const headers = this.#headers!;
					const take = Math.min(headers.length - this.#headersFilled, data.length - at);
					data.copy(headers, this.#headersFilled, at, at + take);
					this.#headersFilled += take;
					at += take;
					if (this.#headersFilled === headers.length) this.#startPayload();
					break;
				}

				case 'payload': {
					const take = Math.min(this.#payloadLeft, data.length - at);
					this.#payloadLeft -= take;
					this.#events.payload(data.subarray(at, at + take));
					at += take;
					if (this.#payloadLeft === 0) this.#state = 'terminator';
					break;
				}

				case 'terminator': {
					const expected = this.#terminatorLeft === 2 ? carriageReturn : lineFeed;
					if (data[at] !== expected) throw new WireProtocolError('a message payload is not followed by CRLF');
					at++;
					if (--this.#terminatorLeft === 0) this.#endMessage();
					break;
				}
			}
		}
	}

	#readLine(data: Buffer, at: number): number {
		const end = data.indexOf(lineFeed, at);
		if (end < 0) {
			this.#partialLineBytes += data.length - at;
			if (this.#partialLineBytes > maxControlLine) throw new WireProtocolError('a control line is too long');
			this.#partialLine.push(Buffer.from(data.subarray(at)));
			return data.length;
		}

		let line: Buffer = data.subarray(at, end);
		if (this.#partialLine.length > 0) {
			line = Buffer.concat([...this.#partialLine, line]);
			this.#partialLine = [];
			this.#partialLineBytes = 0;
		}

		const length = line.length > 0 && line[line.length - 1] === carriageReturn ? line.length - 1 : line.length;
		this.#control(line.toString('latin1', 0, length));
		return end + 1;
	}

	#control(line: string): void {
		const space = line.search(/[ \t]/);
		const op = (space < 0 ? line : line.slice(0, space)).toUpperCase();
		const rest = space < 0 ? '' : line.slice(space + 1).trim();
		switch (op) {
			case 'MSG':
			case 'HMSG': {
				this.#startMessage(op === 'HMSG', rest.split(/[ \t]+/));
				return;
			}

			case 'PING': {
				this.#events.ping();
				return;
			}

			case 'PONG': {
				this.#events.pong();
				return;
			}

			case '+OK': {
				return;
			}

			case '-ERR': {
				this.#events.error(rest.replace(/^'(.*)'$/, '$1'));
				return;
			}

			case 'INFO': {
				this.#events.info(rest);
				return;
			}

			default: {
				throw new WireProtocolError(`unknown protocol line "${line.slice(0, 40)}"`);
			}
		}
	}

	#startMessage(withHeaders: boolean, fields: string[]): void {
		// MSG <subject> <sid> [reply] <size>; HMSG <subject> <sid> [reply] <header size> <total size>
		const sizes = withHeaders ? 2 : 1;
		if (fields.length !== 2 + sizes && fields.length !== 3 + sizes)
			throw new WireProtocolError(`malformed ${withHeaders ? 'HMSG' : 'MSG'} line`);
		const [subject, sid] = fields as [string, string];
		const reply = fields.length === 3 + sizes ? fields[2] : undefined;
		const total = count(fields.at(-1)!);
		const headerBytes = withHeaders ? count(fields.at(-2)!) : 0;
		if (headerBytes > total || headerBytes > maxHeaderBytes)
			throw new WireProtocolError('a message header size is out of range');
		this.#message = {subject, sid: count(sid), reply, headers: undefined, size: total - headerBytes};
		this.#payloadLeft = total - headerBytes;
		if (headerBytes > 0) {
			this.#headers = Buffer.allocUnsafe(headerBytes);
			this.#headersFilled = 0;
			this.#state = 'headers';
		} else this.#startPayload();
	}

	#startPayload(): void {
		const message = this.#message!;
		message.headers = this.#headers;
		this.#headers = undefined;
		this.#events.messageStart(message);
		this.#terminatorLeft = 2;
		this.#state = this.#payloadLeft > 0 ? 'payload' : 'terminator';
	}

	#endMessage(): void {
		this.#message = undefined;
		this.#state = 'line';
		this.#events.messageEnd();
	}
}

function count(field: string): number {
	if (!/^\d{1,15}$/.test(field)) throw new WireProtocolError(`"${field.slice(0, 20)}" is not a size`);
	return Number(field);
}

/** The inline status of a header block (`NATS/1.0 408 No Flow Response`): code 0 when it has none. */
export function headerStatus(headers: Uint8Array): {code: number; description: string} {
	const text = Buffer.from(headers.buffer, headers.byteOffset, headers.length).toString('latin1');
	const firstLine = text.slice(0, Math.max(0, text.indexOf('\r\n'))) || text;
	const status = /^NATS\/\d\.\d[ \t]+(\d{3})(?:[ \t]+(.*))?$/.exec(firstLine.trim());
	return status ? {code: Number(status[1]), description: (status[2] ?? '').trim()} : {code: 0, description: ''};
}
