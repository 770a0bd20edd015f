import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {test} from 'node:test';
import {headerStatus, WireParser, WireProtocolError} from '../../source/core/backup/wire-parser.js';

type Event = (string | number | undefined)[];

/** Every event as a row; a message's payload pieces are joined, as the sink sees them in order. */
function parse(reads: Buffer[]): Event[] {
	const events: Event[] = [];
	let payload: Buffer[] = [];
	const parser = new WireParser({
		info: json => events.push(['info', json]),
		ping: () => events.push(['ping']),
		pong: () => events.push(['pong']),
		error: text => events.push(['error', text]),
		messageStart(message) {
			const headers = message.headers ? Buffer.from(message.headers).toString('latin1') : undefined;
			events.push(['start', message.subject, message.sid, message.reply, headers, message.size]);
			payload = [];
		},
		// The view dies with the call, so the test copies it as the sink would.
		payload: piece => payload.push(Buffer.from(piece)),
		messageEnd: () => events.push(['end', Buffer.concat(payload).toString('hex')]),
	});
	for (const read of reads) parser.push(read);
	return events;
}

function hmsg(fields: string, headers: string, payload: string): Buffer {
	return Buffer.from(`HMSG ${fields} ${headers.length} ${headers.length + payload.length}\r\n${headers}${payload}\r\n`);
}

const big = randomBytes(300_000);
const wire = Buffer.concat([
	Buffer.from('INFO {"server_id":"X","headers":true}\r\nPING\r\n+OK\r\n'),
	Buffer.from('MSG _INBOX.a 1 $JS.SNAPSHOT.ACK.S.n.5.1 5\r\nhello\r\n'),
	Buffer.from(`MSG _INBOX.a 1 $JS.SNAPSHOT.ACK.S.n.${big.length}.2 ${big.length}\r\n`),
	big,
	Buffer.from('\r\nMSG _INBOX.a 1 3\r\n\r\n\n\r\n'),
	hmsg('_INBOX.a 1', 'NATS/1.0 408 No Flow Response\r\n\r\n', ''),
	hmsg('_INBOX.a 1 _R_.x', 'NATS/1.0\r\nA-B: c\r\n\r\n', 'abc'),
	Buffer.from(
		'PONG\r\n-ERR \'Permissions Violation for Publish to "$JS.SNAPSHOT.ACK.S.n.5.1"\'\r\nMSG _INBOX.a 1 0\r\n\r\n',
	),
]);

const expected: Event[] = [
	['info', '{"server_id":"X","headers":true}'],
	['ping'],
	['start', '_INBOX.a', 1, '$JS.SNAPSHOT.ACK.S.n.5.1', undefined, 5],
	['end', Buffer.from('hello').toString('hex')],
	['start', '_INBOX.a', 1, `$JS.SNAPSHOT.ACK.S.n.${big.length}.2`, undefined, big.length],
	['end', big.toString('hex')],
	['start', '_INBOX.a', 1, undefined, undefined, 3],
	['end', '0d0a0a'],
	['start', '_INBOX.a', 1, undefined, 'NATS/1.0 408 No Flow Response\r\n\r\n', 0],
	['end', ''],
	['start', '_INBOX.a', 1, '_R_.x', 'NATS/1.0\r\nA-B: c\r\n\r\n', 3],
	['end', Buffer.from('abc').toString('hex')],
	['pong'],
	['error', 'Permissions Violation for Publish to "$JS.SNAPSHOT.ACK.S.n.5.1"'],
	['start', '_INBOX.a', 1, undefined, undefined, 0],
	['end', ''],
];

test('a whole stream of frames in one read', () => {
	assert.deepEqual(parse([wire]), expected);
});

test('the same frames cut into two reads at every byte boundary outside the big payload', () => {
	const bigStart = wire.indexOf(big);
	for (let cut = 1; cut < wire.length; cut++) {
		// Inside the big payload every cut takes the same path; a sample of them is enough.
		if (cut > bigStart + 2 && cut < bigStart + big.length - 2 && cut % 9973 !== 0) continue;
		assert.deepEqual(parse([wire.subarray(0, cut), wire.subarray(cut)]), expected, `cut at byte ${cut}`);
	}
});

test('one byte per read', () => {
	const small = Buffer.concat([
		wire.subarray(0, wire.indexOf('MSG _INBOX.a 1 $JS.SNAPSHOT.ACK.S.n.3')),
		wire.subarray(wire.indexOf('\r\nMSG _INBOX.a 1 3') + 2),
	]);
	const reads = [...small].map(byte => Buffer.from([byte]));
	assert.deepEqual(
		parse(reads),
		expected.filter((_event, index) => index !== 4 && index !== 5),
	);
});

test('a big payload is handed on in the pieces the reads cut it into, never assembled', () => {
	const pieces: number[] = [];
	const parser = new WireParser({
		info() {},
		ping() {},
		pong() {},
		error() {},
		messageStart() {},
		payload: piece => pieces.push(piece.length),
		messageEnd() {},
	});
	const frame = Buffer.concat([Buffer.from(`MSG a 1 ${big.length}\r\n`), big, Buffer.from('\r\n')]);
	for (let at = 0; at < frame.length; at += 65_536) parser.push(frame.subarray(at, at + 65_536));
	assert.equal(
		pieces.reduce((sum, length) => sum + length, 0),
		big.length,
	);
	assert.ok(pieces.length >= 4 && pieces.every(length => length <= 65_536), `pieces: ${pieces.join(',')}`);
});

test('bytes that are not the protocol are refused', () => {
	for (const bad of [
		'FOO bar\r\n',
		'MSG a 1\r\n',
		'MSG a 1 x\r\n',
		'MSG a 1 3\r\nabcXY',
		'HMSG a 1 10 5\r\n',
		'MSG a b c d e f\r\n',
	]) {
		assert.throws(() => parse([Buffer.from(bad)]), WireProtocolError, bad);
	}
});

test('a control line without an end is refused once it outgrows any real one', () => {
	assert.throws(() => parse([Buffer.from('INFO '), Buffer.alloc(2 << 20, 0x61)]), WireProtocolError);
});

test('headerStatus reads the inline status, and none from a header block without one', () => {
	assert.deepEqual(headerStatus(Buffer.from('NATS/1.0 408 No Flow Response\r\n\r\n')), {
		code: 408,
		description: 'No Flow Response',
	});
	assert.deepEqual(headerStatus(Buffer.from('NATS/1.0 204\r\n\r\n')), {code: 204, description: ''});
	assert.deepEqual(headerStatus(Buffer.from('NATS/1.0\r\nA: b\r\n\r\n')), {code: 0, description: ''});
});
