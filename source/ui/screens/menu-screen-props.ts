import type {Item} from '../state/menus.js';
import type {ScreenKind, ScreenOf} from '../state/screen.js';

/** What a screen drawn from its own state, with its menu under it, takes. */
export type MenuScreenProps<K extends ScreenKind> = {
	readonly screen: ScreenOf<K>;
	readonly items: Item[];
	/** Rows and columns this screen may use. */
	readonly height: number;
	readonly width: number;
};
