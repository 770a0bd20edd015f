/**
 * The wizard's only key listener. It reads Ink's raw input events (escape sequences already cut
 * apart by Ink) and hands the key presses of each event, in order, to one handler.
 */
import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';
import {splitInput, type KeyPress} from './keys.js';

export function useKeys(onKeys: (presses: KeyPress[]) => void): void {
	const {internal_eventEmitter: events, setRawMode, isRawModeSupported} = useStdin();
	const handler = useRef(onKeys);
	handler.current = onKeys;
	useEffect(() => {
		if (!isRawModeSupported) return;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isRawModeSupported, setRawMode]);
	useEffect(() => {
		const listen = (raw: string) => handler.current(splitInput(raw));

		events.on('input', listen);
		return () => {
			events.off('input', listen);
		};
	}, [events]);
}
