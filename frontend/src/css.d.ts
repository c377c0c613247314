// Stylesheets are imported for their side effect only: webpack extracts them into the page's .css file.
declare module '*.css';
