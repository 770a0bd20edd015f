/** One stream's replicas, state and verdict, to decide by hand. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {StreamView} from '../../core/diagnosis/streams.js';
import type {ClusterFacts} from '../../recovery/facts.js';
import {isPeerDead, verdictTitles, type StreamVerdict} from '../../recovery/stream-verdict.js';
import {formatBytes} from '../../core/format.js';
import {Styled} from '../components/styled.js';
import {replicasWord} from '../state/menus.js';
import {useTheme} from '../theme-context.js';

export function InspectScreen({
	stream,
	verdict,
	facts,
}: {
	readonly stream: StreamView;
	readonly verdict: StreamVerdict;
	readonly facts: ClusterFacts;
}) {
	const {glyphs} = useTheme();
	return (
		<Box flexDirection="column">
			<Text bold>
				Stream {stream.name} — {replicasWord(stream.replicas, verdict)} {stream.storage ?? ''}{' '}
				{stream.cluster ? `in ${stream.cluster}` : ''}
			</Text>
			{typeof stream.source === 'object' &&
				('survivor' in stream.source ? (
					<Styled tone="warn">as seen by {stream.source.survivor}: the JetStream API did not answer for it</Styled>
				) : (
					<Styled tone="warn">from the inventory: last seen {stream.source.inventory}, not from a live answer</Styled>
				))}
			{stream.status !== 'ok' && <Styled tone="bad">{stream.error}</Styled>}
			<Text>
				{stream.messages ?? '?'} messages, {stream.bytes === undefined ? '?' : formatBytes(stream.bytes)}, sequences{' '}
				{stream.firstSeq ?? '?'}–{stream.lastSeq ?? '?'}, {stream.consumers ?? '?'} consumers
			</Text>
			{stream.placement.cluster || stream.placement.tags.length > 0 ? (
				<Text>
					Placement: {stream.placement.cluster ?? 'any cluster'}{' '}
					{stream.placement.tags.length > 0 ? `tags ${stream.placement.tags.join(', ')}` : ''}
				</Text>
			) : null}
			<Box flexDirection="column" marginTop={1}>
				<Text bold>Replicas</Text>
				{stream.peers.length === 0 && <Text> (none known)</Text>}
				{stream.peers.map(peer => {
					const dead = isPeerDead(peer, facts);
					return (
						<Text key={peer.name} wrap="truncate-end">
							{'  '}
							{`${peer.name}${peer.leader ? glyphs.leader : ''}${dead ? glyphs.dead : ''}`.padEnd(10)}
							{peer.leader ? 'leader  ' : 'replica '}
							{dead ? (
								<Styled tone="bad">DEAD</Styled>
							) : peer.current ? (
								<Styled tone="ok">current</Styled>
							) : (
								<Styled tone="warn">behind (lag {peer.lag})</Styled>
							)}
							{peer.leader ? '' : `, seen ${Math.round(peer.activeMs / 1000)}s ago`}
						</Text>
					);
				})}
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Text>
					Verdict: <Text bold>{verdictTitles[verdict.kind]}</Text>
				</Text>
				<Text wrap="wrap">Why: {verdict.reason}</Text>
				<Text wrap="wrap">Next: {verdict.next}</Text>
			</Box>
		</Box>
	);
}
