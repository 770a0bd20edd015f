/**
 * The wizard's only key listener. It reads Ink's raw input events (escape sequences already cut
 * apart by Ink) and hands each key press, in order, to one handler.
 */
import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';
import {splitInput, type KeyPress} from './keys.js';

export function useKeys(onKey: (press: KeyPress) => void): void {
	const {internal_eventEmitter: events, setRawMode, isRawModeSupported} = useStdin();
	const handler = useRef(onKey);
	handler.current = onKey;
	useEffect(() => {
		if (!isRawModeSupported) return;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isRawModeSupported, setRawMode]);
	useEffect(() => {
		const listen = (raw: string) => {
			for (const press of splitInput(raw)) handler.current(press);
		};

		events.on('input', listen);
		return () => {
			events.off('input', listen);
		};
	}, [events]);
}
