/** SQL migrations are bundled as strings (vite and our rollup plugin both read `?raw`). */
declare module '*.sql?raw' {
  const sql: string;
  export default sql;
}
