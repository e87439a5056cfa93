/**
 * Monaco from the local package (never a CDN): the core editor, its features, C syntax
 * highlighting, and the editor worker through Vite's `?worker`. Imported only by the lazy
 * editor chunk.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/cpp/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
// Without this @monaco-editor/react fetches Monaco from a CDN.
loader.config({ monaco: monaco as unknown as Parameters<typeof loader.config>[0]['monaco'] });

export { monaco };
