/* The project imports into WeChat DevTools: app.json, the pages, the components, project.config.json
 * and sitemap.json checked against WeChat's documented configuration, and every WXML and WXSS file
 * compiled by WeChat's own compilers (wcc, wcsc from miniprogram-compiler). */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT } = require('./support/render');

const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const json = (file) => JSON.parse(read(file));
const exists = (file) => fs.existsSync(path.join(ROOT, file));
const app = json('app.json');

// app.json keys WeChat documents (全局配置); anything else is a typo DevTools would flag.
const APP_KEYS = ['entryPagePath', 'pages', 'window', 'tabBar', 'networkTimeout', 'debug', 'functionalPages', 'subpackages',
  'workers', 'requiredBackgroundModes', 'requiredPrivateInfos', 'plugins', 'preloadRule', 'resizable', 'usingComponents',
  'permission', 'sitemapLocation', 'style', 'useExtendedLib', 'entranceDeclare', 'darkmode', 'themeLocation',
  'lazyCodeLoading', 'singlePage', 'supportedMaterials', 'serviceProviderTicket', 'embeddedAppIdList', 'halfPage',
  'debugOptions', 'enablePassiveEvent', 'resolveAlias', 'renderer', 'rendererOptions', 'componentFramework',
  'componentPlaceholder', 'static', 'convertRpxToVw', 'appBar'];
const WINDOW_KEYS = ['navigationBarBackgroundColor', 'navigationBarTextStyle', 'navigationBarTitleText', 'navigationStyle',
  'homeButton', 'backgroundColor', 'backgroundTextStyle', 'backgroundColorTop', 'backgroundColorBottom',
  'enablePullDownRefresh', 'onReachBottomDistance', 'pageOrientation', 'restartStrategy', 'initialRenderingCache',
  'visualEffectInBackground', 'handleWebviewPreload'];
const PAGE_KEYS = WINDOW_KEYS.concat(['disableScroll', 'usingComponents', 'style', 'singlePage', 'renderer',
  'componentFramework', 'componentPlaceholder']);
const COMPONENT_KEYS = ['component', 'usingComponents', 'styleIsolation', 'componentGenerics', 'componentPlaceholder', 'renderer'];
const BUILT_IN = ['view', 'scroll-view', 'swiper', 'swiper-item', 'movable-area', 'movable-view', 'cover-view', 'cover-image',
  'icon', 'text', 'rich-text', 'progress', 'button', 'checkbox', 'checkbox-group', 'form', 'input', 'label', 'picker',
  'picker-view', 'picker-view-column', 'radio', 'radio-group', 'slider', 'switch', 'textarea', 'navigator', 'image',
  'video', 'map', 'canvas', 'web-view', 'open-data', 'page-meta', 'navigation-bar', 'block', 'template', 'import',
  'include', 'slot', 'wxs'];
const COLOR = /^#[0-9a-fA-F]{6}$/;

/* Files of a page or component: .js, .wxml and .json must exist (.wxss is optional). */
function missingFiles(stem) {
  return ['.js', '.wxml', '.json'].filter((ext) => !exists(stem + ext)).map((ext) => stem + ext);
}

/* Every component reachable from the pages, by its path without extension. */
function components() {
  const seen = new Set();
  const visit = (stem) => {
    Object.values(json(stem + '.json').usingComponents || {}).forEach((target) => {
      const child = target.replace(/^\//, '');
      if (!seen.has(child) && !missingFiles(child).length) { seen.add(child); visit(child); }
    });
  };
  app.pages.forEach(visit);
  return Array.from(seen);
}

function tagsIn(wxml) {
  const tags = new Set();
  wxml.replace(/<!--[\s\S]*?-->/g, '').replace(/<([a-z][a-z0-9-]*)/g, (whole, tag) => tags.add(tag));
  return Array.from(tags);
}

describe('app.json', () => {
  test('has only documented keys, and pages as paths without extension', () => {
    expect(Object.keys(app).filter((k) => APP_KEYS.indexOf(k) < 0)).toEqual([]);
    expect(Array.isArray(app.pages) && app.pages.length > 0).toBe(true);
    app.pages.forEach((p) => expect(p).toMatch(/^[a-z][a-z0-9_/-]*$/));
    expect(new Set(app.pages).size).toBe(app.pages.length);
  });

  test('every page exists with .js, .wxml and .json', () => {
    expect(app.pages.map(missingFiles).flat()).toEqual([]);
  });

  test('window settings are documented ones with valid values', () => {
    const w = app.window;
    expect(Object.keys(w).filter((k) => WINDOW_KEYS.indexOf(k) < 0)).toEqual([]);
    expect([COLOR.test(w.navigationBarBackgroundColor), ['black', 'white'].includes(w.navigationBarTextStyle),
      ['dark', 'light'].includes(w.backgroundTextStyle), COLOR.test(w.backgroundColor)]).toEqual([true, true, true, true]);
  });

  test('the tab bar has 2 to 5 tabs, each a registered page, with the required colours', () => {
    const t = app.tabBar;
    expect(t.list.length >= 2 && t.list.length <= 5).toBe(true);
    t.list.forEach((tab) => {
      expect(app.pages).toContain(tab.pagePath);
      expect(typeof tab.text === 'string' && tab.text.length > 0).toBe(true);
    });
    expect([COLOR.test(t.color), COLOR.test(t.selectedColor), COLOR.test(t.backgroundColor), ['black', 'white'].includes(t.borderStyle)])
      .toEqual([true, true, true, true]);
  });

  test('the sitemap it names exists and has valid rules', () => {
    const sitemap = json(app.sitemapLocation);
    sitemap.rules.forEach((rule) => {
      expect(['allow', 'disallow']).toContain(rule.action);
      expect(rule.page === '*' || app.pages.includes(rule.page)).toBe(true);
    });
  });
});

describe('pages and components', () => {
  test('each page is built with Component() (so it can be tested) and its json uses page keys only', () => {
    app.pages.forEach((p) => {
      expect(read(p + '.js')).toMatch(/^Component\(\{/m);
      expect(Object.keys(json(p + '.json')).filter((k) => PAGE_KEYS.indexOf(k) < 0)).toEqual([]);
    });
  });

  test('each component declares itself a component and exists with .js, .wxml, .json and .wxss', () => {
    const list = components();
    expect(list.length).toBeGreaterThanOrEqual(10);
    list.forEach((c) => {
      const config = json(c + '.json');
      expect([c, config.component]).toEqual([c, true]);
      expect(Object.keys(config).filter((k) => COMPONENT_KEYS.indexOf(k) < 0)).toEqual([]);
      expect(read(c + '.js')).toMatch(/^Component\(\{/m);
      expect(exists(c + '.wxss')).toBe(true);
    });
  });

  test('every usingComponents path exists, and every folder under components/ is used', () => {
    const declared = [];
    app.pages.concat(components()).forEach((stem) => {
      Object.values(json(stem + '.json').usingComponents || {}).forEach((target) => {
        expect(target).toMatch(/^\/components\/[a-z-]+\/index$/);
        expect(missingFiles(target.slice(1))).toEqual([]);
        declared.push(target.slice(1));
      });
    });
    const folders = fs.readdirSync(path.join(ROOT, 'components')).map((d) => 'components/' + d + '/index');
    expect(folders.filter((f) => !declared.includes(f))).toEqual([]);
  });

  test('each template uses only built-in tags and the components its json declares, and uses each of those', () => {
    app.pages.concat(components()).forEach((stem) => {
      const using = Object.keys(json(stem + '.json').usingComponents || {});
      const tags = tagsIn(read(stem + '.wxml'));
      expect([stem, tags.filter((t) => !BUILT_IN.includes(t) && !using.includes(t))]).toEqual([stem, []]);
      expect([stem, using.filter((u) => !tags.includes(u))]).toEqual([stem, []]);
    });
  });
});

describe('project.config.json', () => {
  const project = json('project.config.json');

  test('is a mini-program project DevTools can import', () => {
    expect([project.compileType, typeof project.appid, typeof project.projectname]).toEqual(['miniprogram', 'string', 'string']);
    expect(project.libVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof project.setting).toBe('object');
    if (project.miniprogramRoot) expect(exists(project.miniprogramRoot + '/app.json')).toBe(true);
    else expect(exists('app.json') && exists('app.js')).toBe(true);
  });

  test('keeps tests, scripts and node_modules out of the uploaded package', () => {
    const ignored = project.packOptions.ignore;
    ignored.forEach((rule) => expect(['folder', 'file', 'suffix', 'prefix', 'regexp', 'glob']).toContain(rule.type));
    const folders = ignored.filter((r) => r.type === 'folder').map((r) => r.value);
    expect(folders.sort()).toEqual(['node_modules', 'scripts', 'tests']);
    ignored.filter((r) => r.type === 'file').forEach((r) => expect(exists(r.value)).toBe(true));
  });
});

describe("WeChat's own compilers", () => {
  const binary = (name) => {
    const file = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', 'linux', name);
    fs.chmodSync(file, 0o755);  // the npm tarball ships it without the execute bit
    return file;
  };
  const files = (ext) => {
    const out = [];
    const walk = (dir) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((entry) => {
      const rel = dir ? dir + '/' + entry.name : entry.name;
      if (entry.isDirectory()) { if (!['node_modules', 'tests', 'scripts'].includes(entry.name)) walk(rel); }
      else if (rel.endsWith(ext)) out.push(rel);
    });
    walk('');
    return out;
  };
  const run = process.platform === 'linux' && process.arch === 'x64' ? test : test.skip;

  run('wcc compiles every .wxml file', () => {
    const result = spawnSync(binary('wcc'), ['-d'].concat(files('.wxml')), { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    expect([result.status, result.stderr.toString()]).toEqual([0, '']);
  });

  run('wcsc compiles every .wxss file', () => {
    const result = spawnSync(binary('wcsc'), ['-db'].concat(files('.wxss')), { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    expect([result.status, result.stderr.toString().replace(/error file count: 0\s*/, '')]).toEqual([0, '']);
  });
});
