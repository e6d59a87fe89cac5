import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve } from './support/demo.js'

let root: string
let site: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oncely-static-'))
  site = join(root, 'dist')
  await mkdir(join(site, 'assets'), { recursive: true })
  await writeFile(join(site, 'index.html'), '<!doctype html><title>checkout</title>')
  await writeFile(join(site, 'assets', 'app.js'), 'console.log("pay")')
  await writeFile(join(site, 'assets', 'app.css'), 'body{}')
  await writeFile(join(root, 'secret.txt'), 'do not serve')
  await symlink(join(root, 'secret.txt'), join(site, 'escape.txt'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** GET with the path sent exactly as written: fetch would normalise `..` away before it leaves. */
function rawGet(url: string, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('static files', () => {
  it('serves index.html at / and files with their content types', async () => {
    const server = await serve({ staticDir: site })

    const index = await rawGet(server.url, '/')
    const js = await rawGet(server.url, '/assets/app.js')
    const css = await rawGet(server.url, '/assets/app.css')

    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>checkout</title>' })
    expect(js).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' })
    expect(css).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' })
  })

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '//etc/passwd', '/escape.txt', '/assets', '/%00'])(
    'refuses %s with 404',
    async (path) => {
      const server = await serve({ staticDir: site })

      const answer = await rawGet(server.url, path)

      expect(answer.status).toBe(404)
      expect(answer.body).not.toContain('do not serve')
    },
  )

  it('answers / with a page asking for the build when there is none', async () => {
    const server = await serve({ staticDir: join(root, 'not-built') })

    const answer = await rawGet(server.url, '/')

    expect(answer.status).toBe(404)
    expect(answer.type).toMatch(/^text\/html/)
    expect(answer.body).toMatch(/not built/i)
    expect(answer.body).toMatch(/demo\/dist\/index\.html/)
  })

  it('refuses to write to static paths', async () => {
    const server = await serve({ staticDir: site })

    const answer = await fetch(`${server.url}/index.html`, { method: 'POST', body: 'x' })

    expect(answer.status).toBe(405)
  })
})
