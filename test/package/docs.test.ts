import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from './build.js'

// The docs show the snippet files verbatim (minus their first line, which says where they are
// checked), so what package.test.ts typechecks is what readers copy.
const read = (...path: string[]) => readFile(join(root, ...path), 'utf8')
const block = (markdown: string, lang: string) => markdown.match(new RegExp('```' + lang + '\\n([\\s\\S]*?)```'))?.[1]
const body = (snippet: string) => snippet.slice(snippet.indexOf('\n') + 1)

describe('docs', () => {
  it.each([
    { doc: 'react.md', lang: 'tsx', snippet: 'react.tsx' },
    { doc: 'react-native.md', lang: 'ts', snippet: 'react-native.ts' },
  ])('$doc shows snippets/$snippet as it is checked', async ({ doc, lang, snippet }) => {
    expect(block(await read('docs', doc), lang)).toBe(body(await read('docs', 'snippets', snippet)))
  })
})
