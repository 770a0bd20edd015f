// Lint for bugs, not style (prettier owns layout): typescript-eslint's recommended rules and the
// rules of hooks. exhaustive-deps is off on purpose: the wizard's effects are keyed on a request
// counter or a screen's identity, so that a re-render can never repeat a peer-remove or a transfer;
// services and dispatch never change, and listing them would only hide that key.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
	{ignores: ['distribution/', 'node_modules/', '.bench/', '.scratch/']},
	...tseslint.configs.recommended,
	{
		files: ['**/*.tsx', 'source/ui/**/*.ts'],
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'off',
		},
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
		},
	},
	{
		// Tests read JSON that the program under test printed; typing every reply would only restate it.
		files: ['test/**'],
		rules: {'@typescript-eslint/no-explicit-any': 'off'},
	},
);
