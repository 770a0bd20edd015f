/**
 * Glyphs and colours by meaning. Every state has a word or a glyph besides its colour, and an
 * ASCII set exists for terminals and fonts without Unicode.
 */
export type Glyphs = {
	ok: string;
	fail: string;
	warn: string;
	leader: string;
	dead: string;
	pointer: string;
	barFull: string;
	barEmpty: string;
	spinner: string[];
};

const unicode: Glyphs = {
	ok: '✔',
	fail: '✖',
	warn: '⚠',
	leader: '*',
	dead: '!',
	pointer: '❯',
	barFull: '█',
	barEmpty: '░',
	spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
};

const ascii: Glyphs = {
	ok: '+',
	fail: 'x',
	warn: '!',
	leader: '*',
	dead: '!',
	pointer: '>',
	barFull: '#',
	barEmpty: '-',
	spinner: ['|', '/', '-', '\\'],
};

export type Theme = {glyphs: Glyphs; color: boolean; ascii: boolean};

/** ASCII when asked, on TERM=dumb or linux consoles, or when the locale does not say UTF-8. */
export function themeFor(env: NodeJS.ProcessEnv, flags: {ascii?: boolean; color?: boolean}): Theme {
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
	const useAscii =
		Boolean(flags.ascii) ||
		env['TERM'] === 'dumb' ||
		env['TERM'] === 'linux' ||
		(locale !== '' && !/utf-?8/i.test(locale));
	const color = flags.color !== false && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
	return {glyphs: useAscii ? ascii : unicode, color, ascii: useAscii};
}

export const semantic = {
	ok: 'green',
	bad: 'red',
	warn: 'yellow',
	accent: 'cyan',
	muted: 'gray',
} as const;
