import { useEffect, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { SearchBox } from './search-box';

const pages: [string, string][] = [
  ['/runs', 'Runs'],
  ['/models', 'Models'],
  ['/deployments', 'Deployments'],
  ['/predictions', 'Predictions'],
  ['/events', 'Events'],
];

type Theme = 'light' | 'dark';
const preferred = (): Theme => (localStorage.getItem('threadline-theme') as Theme | null) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

export function Layout() {
  const [theme, setTheme] = useState<Theme>(preferred);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('threadline-theme', theme);
  }, [theme]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/" className="brand">
          Threadline
        </NavLink>
        <nav aria-label="Pages">
          {pages.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <SearchBox />
        <button type="button" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
