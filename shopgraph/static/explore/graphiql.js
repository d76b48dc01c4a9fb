// GraphiQL for /graphql and /admin/graphql, from the vendored UMD builds (globals React, ReactDOM, GraphiQL).
// `?headers={"Authorization":"Bearer ..."}` fills the headers pane, which is sent with every operation.
(function () {
  "use strict";

  const root = document.getElementById("graphiql");
  const parameters = new URLSearchParams(window.location.search);

  // GraphiQL 3 writes the headers pane into its saved tabs even with shouldPersistHeaders off: keys are never
  // written to the browser's storage.
  function withoutHeaders(key, value) {
    if (key.endsWith(":headers")) {
      return "";
    }
    try {
      return JSON.stringify(JSON.parse(value), (name, field) => (name === "headers" ? null : field));
    } catch (error) {
      return value;
    }
  }

  // Each endpoint keeps its own tabs and history, so the admin page never shows the storefront's and back.
  function namespacedStorage(prefix) {
    let local;
    try {
      local = window.localStorage;
    } catch (error) {
      return null;
    }
    const ownKeys = () => Object.keys(local).filter((key) => key.startsWith(prefix));
    return {
      getItem: (key) => local.getItem(prefix + key),
      setItem: (key, value) => local.setItem(prefix + key, withoutHeaders(key, value)),
      removeItem: (key) => local.removeItem(prefix + key),
      clear: () => ownKeys().forEach((key) => local.removeItem(key)),
      get length() {
        return ownKeys().length;
      },
    };
  }

  const fetcher = GraphiQL.createFetcher({ url: window.location.origin + window.location.pathname });
  const props = {
    fetcher: fetcher,
    defaultQuery: root.dataset.defaultQuery,
    headers: parameters.get("headers") || undefined,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: parameters.has("headers") ? "headers" : true,
    shouldPersistHeaders: false,
    storage: namespacedStorage(root.dataset.storageNamespace + ":"),
  };
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
