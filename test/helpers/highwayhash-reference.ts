/**
 * HighwayHash-64 in BigInt arithmetic, written to read like the reference: the oracle that
 * source/core/archive/highwayhash.ts (32-bit halves, fast) is compared with on random inputs.
 */

const mask64 = (1n << 64n) - 1n;
const mask32 = 0xff_ff_ff_ffn;
const init0 = [
	0xdb_e6_d5_d5_fe_4c_ce_2fn,
	0xa4_09_38_22_29_9f_31_d0n,
	0x13_19_8a_2e_03_70_73_44n,
	0x24_3f_6a_88_85_a3_08_d3n,
];
const init1 = [
	0x3b_d3_9e_10_cb_0e_f5_93n,
	0xc0_ac_f1_69_b5_f1_8a_8cn,
	0xbe_54_66_cf_34_e9_0c_6cn,
	0x45_28_21_e6_38_d0_13_77n,
];

type State = {v0: bigint[]; v1: bigint[]; mul0: bigint[]; mul1: bigint[]};

/** Returns the hash as nats-server stores it: the 8 little-endian digest bytes in lowercase hex. */
export function highwayHash64Hex(data: Uint8Array, key: Uint8Array): string {
	if (key.length !== 32) throw new RangeError('HighwayHash needs a 32-byte key');
	const state = initialState(key);
	const whole = data.length - (data.length % 32);
	for (let i = 0; i < whole; i += 32) update(state, readPacket(data, i));
	const rest = data.length - whole;
	if (rest > 0) updateRemainder(state, data.subarray(whole), rest);
	for (let round = 0; round < 4; round++) {
		update(state, [rotate32(state.v0[2]!), rotate32(state.v0[3]!), rotate32(state.v0[0]!), rotate32(state.v0[1]!)]);
	}

	const digest = (state.v0[0]! + state.v1[0]! + state.mul0[0]! + state.mul1[0]!) & mask64;
	const bytes = new Uint8Array(8);
	new DataView(bytes.buffer).setBigUint64(0, digest, true);
	return Buffer.from(bytes).toString('hex');
}

function initialState(key: Uint8Array): State {
	const words = readPacket(key, 0);
	return {
		v0: words.map((word, i) => init0[i]! ^ word),
		v1: words.map((word, i) => init1[i]! ^ rotate32(word)),
		mul0: [...init0],
		mul1: [...init1],
	};
}

function readPacket(data: Uint8Array, offset: number): bigint[] {
	const view = new DataView(data.buffer, data.byteOffset + offset, 32);
	return [0, 8, 16, 24].map(at => view.getBigUint64(at, true));
}

function rotate32(word: bigint): bigint {
	return ((word >> 32n) | (word << 32n)) & mask64;
}

function update(state: State, packet: bigint[]): void {
	const {v0, v1, mul0, mul1} = state;
	for (let i = 0; i < 4; i++) {
		v1[i] = (v1[i]! + packet[i]! + mul0[i]!) & mask64;
		mul0[i] = mul0[i]! ^ ((v1[i]! & mask32) * (v0[i]! >> 32n));
		v0[i] = (v0[i]! + mul1[i]!) & mask64;
		mul1[i] = mul1[i]! ^ ((v0[i]! & mask32) * (v1[i]! >> 32n));
	}

	zipperMerge(v1, 0, v0);
	zipperMerge(v1, 2, v0);
	zipperMerge(v0, 0, v1);
	zipperMerge(v0, 2, v1);
}

/** Adds a byte shuffle of `from[at]`, `from[at + 1]` into `into[at]`, `into[at + 1]`. */
function zipperMerge(from: bigint[], at: number, into: bigint[]): void {
	const a = from[at]!;
	const b = from[at + 1]!;
	const byte = (word: bigint, index: bigint): bigint => word & (0xffn << (index * 8n));
	const low =
		byte(a, 2n) +
		(byte(b, 7n) >> 8n) +
		((byte(a, 5n) + byte(b, 6n)) >> 16n) +
		((byte(a, 3n) + byte(b, 4n)) >> 24n) +
		(byte(a, 1n) << 32n) +
		(a << 56n);
	const high =
		byte(a, 7n) +
		byte(b, 2n) +
		(byte(a, 6n) >> 8n) +
		(byte(b, 5n) >> 16n) +
		((byte(b, 3n) + byte(a, 4n)) >> 24n) +
		((b & 0xffn) << 48n) +
		(byte(b, 1n) << 24n);
	into[at] = (into[at]! + low) & mask64;
	into[at + 1] = (into[at + 1]! + high) & mask64;
}

/** The final 1-31 bytes are folded in with their length, so inputs differing only in trailing zeros differ. */
function updateRemainder(state: State, tail: Uint8Array, size: number): void {
	const n = BigInt(size);
	const rotateHalves = (half: bigint): bigint => ((half << n) | (half >> (32n - n))) & mask32;
	for (let i = 0; i < 4; i++) {
		state.v0[i] = (state.v0[i]! + ((n << 32n) + n)) & mask64;
		const word = state.v1[i]!;
		state.v1[i] = (rotateHalves(word >> 32n) << 32n) | rotateHalves(word & mask32);
	}

	const block = new Uint8Array(32);
	const whole = size & ~3;
	block.set(tail.subarray(0, whole));
	if (size >= 16) {
		block.set(tail.subarray(size - 4, size), 28);
	} else if (size % 4 !== 0) {
		block[16] = tail[whole]!;
		block[17] = tail[whole + ((size % 4) >> 1)]!;
		block[18] = tail[size - 1]!;
	}

	update(state, readPacket(block, 0));
}
