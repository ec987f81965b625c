// Tailwind CSS v4 runs as a PostCSS plugin inside Next.js's build; nothing is fetched at build time.
const config = { plugins: { '@tailwindcss/postcss': {} } };
export default config;
